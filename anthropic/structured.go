package anthropic

import (
	"encoding/json"
	"fmt"

	sdk "github.com/anthropics/anthropic-sdk-go"
)

// answerTool is the one tool a request with an answer schema offers, and
// forces: the Messages API's way of constraining an answer to a JSON
// Schema is a tool whose input_schema it is.
const answerTool = "answer"

// withAnswerTool offers the answer tool with the task's schema as its
// input schema and makes the model call it, so the answer is the tool's
// input: a JSON object of that schema. The schema's root must be an object,
// as a task's JSON answer is.
func withAnswerTool(params *sdk.MessageNewParams, schema json.RawMessage) error {
	var doc map[string]any
	if err := json.Unmarshal(schema, &doc); err != nil {
		return fmt.Errorf("the answer schema is not a JSON object: %w", err)
	}
	in := sdk.ToolInputSchemaParam{ExtraFields: map[string]any{}}
	for k, v := range doc {
		switch k {
		case "type":
			if v != "object" {
				return fmt.Errorf("the answer schema's type is %v: a tool's input must be an object", v)
			}
		case "properties":
			in.Properties = v
		case "required":
			list, _ := v.([]any)
			for _, r := range list {
				if s, ok := r.(string); ok {
					in.Required = append(in.Required, s)
				}
			}
		default:
			in.ExtraFields[k] = v
		}
	}
	params.Tools = []sdk.ToolUnionParam{{OfTool: &sdk.ToolParam{
		Name:        answerTool,
		Description: sdk.String("Give your answer for this step: call this tool once, with the answer as its input."),
		InputSchema: in,
	}}}
	params.ToolChoice = sdk.ToolChoiceUnionParam{OfTool: &sdk.ToolChoiceToolParam{Name: answerTool}}
	return nil
}

// toolAnswer is the input of the answer tool's call, when the message has
// one: the answer, as JSON text.
func toolAnswer(content []sdk.ContentBlockUnion) (string, bool) {
	for _, b := range content {
		if b.Type == "tool_use" && b.Name == answerTool {
			return string(b.Input), true
		}
	}
	return "", false
}
