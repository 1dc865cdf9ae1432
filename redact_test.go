package maker

import "testing"

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://user:SECRET@127.0.0.1:1/v1", "http://user:[redacted]@127.0.0.1:1/v1"},
		{"https://host/v1?key=SECRET&model=x", "https://host/v1?key=[redacted]&model=x"},
		{"https://host/v1?api_key=SECRET", "https://host/v1?api_key=[redacted]"},
		{"https://host/v1?access_token=SECRET&Token=SECRET", "https://host/v1?Token=[redacted]&access_token=[redacted]"},
		{"https://user@host/v1", "https://user@host/v1"},
		{"https://host/v1?monkey=banana", "https://host/v1?monkey=banana"},
		{"http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"},
		{"not a url", "not a url"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretEnv(t *testing.T) {
	for name, want := range map[string]bool{
		"OPENAI_API_KEY": true, "ANTHROPIC_API_KEY": true, "GEMINI_API_KEY": true, "MAKER_TOKEN": true,
		"GITHUB_TOKEN": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "PGPASSWORD": true,
		"openrouter_api_key": true, "MY_CREDENTIALS": true, "APIKEY": true,
		"PATH": false, "HOME": false, "MONKEY": false, "TOKENIZER": false, "MAKER_DB": false, "KEYBOARD": false,
	} {
		if got := SecretEnv(name); got != want {
			t.Errorf("SecretEnv(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestRedact: registered secrets, the values of the environment's secret
// variables and URLs' credentials are hidden; ordinary text, short values
// and the values of other variables are not.
func TestRedact(t *testing.T) {
	t.Setenv("ACME_API_KEY", "acme-key-0123456789")
	t.Setenv("SHORT_TOKEN", "abc")
	t.Setenv("GREETING", "hello world, everyone")
	AddSecret("registered-0123456789")
	AddSecret("tiny")
	tests := []struct{ in, want string }{
		{"key acme-key-0123456789 twice acme-key-0123456789", "key [redacted] twice [redacted]"},
		{"echoed registered-0123456789.", "echoed [redacted]."},
		{"see https://u:pw@127.0.0.1/x?token=t0k now", "see https://u:[redacted]@127.0.0.1/x?token=[redacted] now"},
		{"abc tiny hello world, everyone", "abc tiny hello world, everyone"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
