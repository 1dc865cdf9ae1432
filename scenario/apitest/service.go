package apitest

import (
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
)

// Service is the small CRUD service the suite runs against: users with an
// id and a name, kept in memory, on 127.0.0.1. It fails the attempts the
// instance asks it to (503, "injected") and records every request it
// receives, so tests and their callers can assert what reached it.
type Service struct {
	URL    string
	srv    *http.Server
	faults map[string]int

	mu     sync.Mutex
	nextID int
	users  map[int]string
	log    []Logged
}

// Logged is one request the service received.
type Logged struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	Test     string `json:"test"`
	Attempt  int    `json:"attempt"`
	Status   int    `json:"status"`
	User     int    `json:"user,omitempty"` // the user the request concerned
	Injected bool   `json:"injected,omitempty"`
}

// StartService starts the service on a free loopback port with the faults
// of inst: test t's first t.FailFirst attempts get 503.
func StartService(inst *Instance) (*Service, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Service{URL: "http://" + ln.Addr().String(), faults: map[string]int{}, users: map[int]string{}}
	for _, t := range inst.Tests {
		if t.FailFirst > 0 {
			s.faults[t.ID] = t.FailFirst
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /users", s.create)
	mux.HandleFunc("GET /users", s.list)
	mux.HandleFunc("GET /users/{id}", s.get)
	mux.HandleFunc("PUT /users/{id}", s.update)
	mux.HandleFunc("DELETE /users/{id}", s.remove)
	mux.HandleFunc("GET /_requests", s.requests)
	s.srv = &http.Server{Handler: s.inject(mux)}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the service.
func (s *Service) Close() error { return s.srv.Close() }

// Requests returns a copy of the request log.
func (s *Service) Requests() []Logged {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

type recorder struct {
	http.ResponseWriter
	status int
	user   int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// inject fails the planned attempts and logs every request.
func (s *Service) inject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		test := r.Header.Get("X-Test")
		attempt, _ := strconv.Atoi(r.Header.Get("X-Attempt"))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		injected := test != "" && attempt >= 1 && attempt <= s.faults[test]
		if injected {
			http.Error(rec, "injected failure", http.StatusServiceUnavailable)
		} else {
			next.ServeHTTP(rec, r)
		}
		if rec.user == 0 {
			rec.user, _ = strconv.Atoi(r.PathValue("id"))
		}
		s.mu.Lock()
		s.log = append(s.log, Logged{Method: r.Method, Path: r.URL.Path, Test: test, Attempt: attempt, Status: rec.status, User: rec.user, Injected: injected})
		s.mu.Unlock()
	})
}

type user struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	var u user
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil || u.Name == "" {
		http.Error(w, "want {\"name\": ...}", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.nextID++
	u.ID = s.nextID
	s.users[u.ID] = u.Name
	s.mu.Unlock()
	if rec, ok := w.(*recorder); ok {
		rec.user = u.ID
	}
	writeJSON(w, http.StatusCreated, u)
}

func (s *Service) list(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	out := make([]user, 0, len(s.users))
	for id, name := range s.users {
		out = append(out, user{id, name})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b user) int { return a.ID - b.ID })
	writeJSON(w, http.StatusOK, out)
}

// lookup reads the path id and its user; ok is false after an error reply.
func (s *Service) lookup(w http.ResponseWriter, r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return 0, false
	}
	s.mu.Lock()
	_, ok := s.users[id]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "no such user", http.StatusNotFound)
	}
	return id, ok
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) {
	id, ok := s.lookup(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	name := s.users[id]
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, user{id, name})
}

func (s *Service) update(w http.ResponseWriter, r *http.Request) {
	id, ok := s.lookup(w, r)
	if !ok {
		return
	}
	var u user
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil || u.Name == "" {
		http.Error(w, "want {\"name\": ...}", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.users[id] = u.Name
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, user{id, u.Name})
}

func (s *Service) remove(w http.ResponseWriter, r *http.Request) {
	id, ok := s.lookup(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.users, id)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) requests(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Requests())
}
