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
