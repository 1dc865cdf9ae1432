package anthropic

import "github.com/maker-go/maker/provider"

// Error is a failed request, classified so that a retry wrapper over
// [maker.Model] can decide what to do without knowing the provider: whether
// to try again, and how long the server asked it to wait. It is the shared
// [provider.CallError], so that one classification serves every adapter
// that reads its SDK's errors itself; a 401 or 403 also sets its Auth field.
type Error = provider.CallError
