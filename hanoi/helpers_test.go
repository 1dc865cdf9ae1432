package hanoi

import "github.com/maker-go/maker"

func prompt(system, user string) maker.Prompt { return maker.Prompt{System: system, User: user} }
