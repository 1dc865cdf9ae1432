module github.com/maker-go/maker

go 1.26
