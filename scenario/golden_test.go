package scenario

// The scenarios' prompt tests compare with golden files and take -update
// to rewrite them; importing the package here registers the flag, so
// `go test ./scenario/... -update` is accepted by every package.
import _ "github.com/maker-go/maker/internal/golden"
