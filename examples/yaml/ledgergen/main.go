// Command ledgergen writes the ledger example's data: a JSON Lines file of
// transactions between four accounts, one per step, and the expected
// answer of each step for the simulator. The transactions come from a fixed
// seed, so the files it writes are the ones in the repository:
//
//	go run ./examples/yaml/ledgergen -n 10000 -dir examples/yaml
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

var accounts = []string{"alice", "bob", "carol", "dave"}

func main() {
	n := flag.Int("n", 10000, "number of transactions")
	dir := flag.String("dir", ".", "directory to write ledger.jsonl and ledger.expected.jsonl in")
	seed := flag.Uint64("seed", 14, "random seed")
	flag.Parse()
	if err := write(*dir, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "ledgergen:", err)
		os.Exit(1)
	}
}

// balances prints the accounts in a fixed order: the state of each step.
func balances(b map[string]int) string {
	parts := make([]string, len(accounts))
	for i, a := range accounts {
		parts[i] = fmt.Sprintf("%s=%d", a, b[a])
	}
	return strings.Join(parts, " ")
}

func write(dir string, n int, seed uint64) error {
	in, err := os.Create(filepath.Join(dir, "ledger.jsonl"))
	if err != nil {
		return err
	}
	defer in.Close()
	exp, err := os.Create(filepath.Join(dir, "ledger.expected.jsonl"))
	if err != nil {
		return err
	}
	defer exp.Close()
	iw, ew := bufio.NewWriter(in), bufio.NewWriter(exp)
	rng := rand.New(rand.NewPCG(seed, seed))
	b := map[string]int{"alice": 100, "bob": 100, "carol": 100, "dave": 100}
	for i := 1; i <= n; i++ {
		from := accounts[rng.IntN(len(accounts))]
		to := accounts[rng.IntN(len(accounts)-1)]
		if to == from {
			to = accounts[len(accounts)-1]
		}
		// Never more than the payer has: balances stay at or above zero.
		amount := 1 + rng.IntN(max(1, min(b[from], 50)))
		if b[from] == 0 {
			from, to = to, from
			amount = 1 + rng.IntN(max(1, min(b[from], 50)))
		}
		b[from] -= amount
		b[to] += amount
		tx, _ := json.Marshal(struct {
			ID     int    `json:"id"`
			From   string `json:"from"`
			To     string `json:"to"`
			Amount int    `json:"amount"`
		}{i, from, to, amount})
		action := fmt.Sprintf("%s pays %s %d", from, to, amount)
		// Without wrong answers, the simulator's mistake is the payment
		// left unbooked: the balances as they were.
		e, _ := json.Marshal(struct {
			Action string `json:"action"`
			State  string `json:"state"`
		}{action, balances(b)})
		fmt.Fprintf(iw, "%s\n", tx)
		fmt.Fprintf(ew, "%s\n", e)
	}
	if err := iw.Flush(); err != nil {
		return err
	}
	return ew.Flush()
}
