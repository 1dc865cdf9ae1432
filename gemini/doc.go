// Package gemini adapts Google's Gemini models, through the Gemini API's
// generateContent method, to the [maker.Model] and [maker.BatchModel]
// interfaces.
//
// Importing the package registers the "gemini" provider prefix, so a run can
// name a model as "gemini/gemini-2.5-flash":
//
//	import _ "github.com/maker-go/maker/gemini"
//
// The key is read from GEMINI_API_KEY, else GOOGLE_API_KEY, or from the
// variable that [maker.ModelSpec.APIKeyEnv] names; it is sent only in the
// x-goog-api-key header and never appears in an error.
//
// A step's first votes can be drawn in one request with candidateCount, so
// the prompt is billed once ([Model.GenerateBatch]). A model that refuses
// several candidates (HTTP 400) is asked one candidate at a time from then on.
//
// The package makes one HTTP attempt per call and classifies a failure as a
// [*provider.Error] (status, retry delay, retryable or not); retrying belongs to one
// wrapper over [maker.Model] shared by all providers.
package gemini
