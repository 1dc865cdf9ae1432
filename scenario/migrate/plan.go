package migrate

// Migration is one step of the plan.
type Migration struct {
	ID   string
	Name string
	// Risky migrations rewrite data in place: the procedure takes a
	// backup right before each one (unless nothing changed since the last).
	Risky bool
	// Downtime migrations rebuild a table: the application must be in
	// maintenance while they run.
	Downtime bool
	// SQL runs in one transaction with the progress record.
	SQL []string
	// Checks are queries that must each return 0 after the migration.
	Checks []string
}

// Plan is the migration every instance runs: from a flat schema (full
// names, free-text countries and amounts, mixed-case e-mails and statuses,
// no foreign keys) to a normalised one with foreign keys and indexes, with
// the same content.
var Plan = []Migration{
	{ID: "M01", Name: "create countries from customers",
		SQL: []string{
			`CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL)`,
			`INSERT INTO countries (code, name) SELECT DISTINCT country, country FROM customers`,
		},
		Checks: []string{`SELECT (SELECT count(DISTINCT country) FROM customers) - (SELECT count(*) FROM countries)`}},
	{ID: "M02", Name: "add customers.country_code",
		SQL:    []string{`ALTER TABLE customers ADD COLUMN country_code TEXT`},
		Checks: []string{`SELECT 1 - count(*) FROM pragma_table_info('customers') WHERE name = 'country_code'`}},
	{ID: "M03", Name: "fill customers.country_code", Risky: true,
		SQL:    []string{`UPDATE customers SET country_code = country`},
		Checks: []string{`SELECT count(*) FROM customers WHERE country_code IS NULL OR country_code NOT IN (SELECT code FROM countries)`}},
	{ID: "M04", Name: "add customers.first_name and last_name",
		SQL:    []string{`ALTER TABLE customers ADD COLUMN first_name TEXT`, `ALTER TABLE customers ADD COLUMN last_name TEXT`},
		Checks: []string{`SELECT 2 - count(*) FROM pragma_table_info('customers') WHERE name IN ('first_name', 'last_name')`}},
	{ID: "M05", Name: "split full names", Risky: true,
		SQL:    []string{`UPDATE customers SET first_name = substr(full_name, 1, instr(full_name, ' ') - 1), last_name = substr(full_name, instr(full_name, ' ') + 1)`},
		Checks: []string{`SELECT count(*) FROM customers WHERE first_name = '' OR first_name || ' ' || last_name IS NOT full_name`}},
	{ID: "M06", Name: "normalise e-mails", Risky: true,
		SQL: []string{`UPDATE customers SET email = lower(trim(email))`},
		Checks: []string{
			`SELECT count(*) FROM customers WHERE email IS NOT lower(trim(email))`,
			`SELECT count(*) - count(DISTINCT email) FROM customers`,
		}},
	{ID: "M07", Name: "add orders.amount_cents",
		SQL:    []string{`ALTER TABLE orders ADD COLUMN amount_cents INTEGER`},
		Checks: []string{`SELECT 1 - count(*) FROM pragma_table_info('orders') WHERE name = 'amount_cents'`}},
	{ID: "M08", Name: "fill orders.amount_cents", Risky: true,
		SQL:    []string{`UPDATE orders SET amount_cents = CAST(round(CAST(amount AS REAL) * 100) AS INTEGER)`},
		Checks: []string{`SELECT count(*) FROM orders WHERE amount_cents IS NULL OR amount_cents < 0`}},
	{ID: "M09", Name: "rebuild customers with a foreign key to countries", Risky: true, Downtime: true,
		SQL: []string{
			`CREATE TABLE customers_new (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, country_code TEXT NOT NULL REFERENCES countries(code), created TEXT NOT NULL)`,
			`INSERT INTO customers_new (id, first_name, last_name, email, country_code, created) SELECT id, first_name, last_name, email, country_code, created FROM customers`,
			`DROP TABLE customers`,
			`ALTER TABLE customers_new RENAME TO customers`,
		},
		Checks: []string{`SELECT count(*) FROM pragma_foreign_key_check('customers')`}},
	{ID: "M10", Name: "rebuild orders with a foreign key to customers", Risky: true, Downtime: true,
		SQL: []string{
			`CREATE TABLE orders_new (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), amount_cents INTEGER NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL)`,
			`INSERT INTO orders_new (id, customer_id, amount_cents, status, created) SELECT id, customer_id, amount_cents, status, created FROM orders`,
			`DROP TABLE orders`,
			`ALTER TABLE orders_new RENAME TO orders`,
		},
		Checks: []string{`SELECT count(*) FROM pragma_foreign_key_check('orders')`}},
	{ID: "M11", Name: "index orders by customer",
		SQL:    []string{`CREATE INDEX orders_customer ON orders (customer_id)`},
		Checks: []string{`SELECT 1 - count(*) FROM sqlite_master WHERE type = 'index' AND name = 'orders_customer'`}},
	{ID: "M12", Name: "index customers by country",
		SQL:    []string{`CREATE INDEX customers_country ON customers (country_code)`},
		Checks: []string{`SELECT 1 - count(*) FROM sqlite_master WHERE type = 'index' AND name = 'customers_country'`}},
	{ID: "M13", Name: "normalise order statuses", Risky: true,
		SQL:    []string{`UPDATE orders SET status = upper(status)`},
		Checks: []string{`SELECT count(*) FROM orders WHERE status NOT IN ('NEW', 'PAID', 'SHIPPED', 'CANCELLED')`}},
	{ID: "M14", Name: "create customer totals",
		SQL: []string{
			`CREATE TABLE customer_totals (customer_id INTEGER PRIMARY KEY REFERENCES customers(id), orders INTEGER NOT NULL, total_cents INTEGER NOT NULL)`,
			`INSERT INTO customer_totals SELECT customer_id, count(*), sum(amount_cents) FROM orders GROUP BY customer_id`,
		},
		Checks: []string{`SELECT (SELECT total(total_cents) FROM customer_totals) != (SELECT total(amount_cents) FROM orders)`}},
	{ID: "M15", Name: "analyze",
		SQL:    []string{`ANALYZE`},
		Checks: []string{`SELECT count(*) = 0 FROM sqlite_stat1`}},
	{ID: "M16", Name: "set schema version 2",
		SQL:    []string{`PRAGMA user_version = 2`},
		Checks: []string{`SELECT 2 - user_version FROM pragma_user_version`}},
}

// planIndex returns the position of migration id in the plan, or -1.
func planIndex(id string) int {
	for i, m := range Plan {
		if m.ID == id {
			return i
		}
	}
	return -1
}
