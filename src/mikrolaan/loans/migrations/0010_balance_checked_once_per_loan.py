from django.db import migrations

# PostgreSQL checks at commit that no loan owes less than zero and that each loan's kept
# balance is its ledger's sum. Until now a deferred trigger did so once per new entry: 400,000
# checks for a bundle of 100,000 loans. Now each statement that writes entries notes their
# loans (``loans_balance_check_loan``, keyed by the transaction), and one deferred trigger per
# transaction checks every loan noted, once, in one statement, and clears the notes. The
# tables are unlogged and hold rows only inside the transaction that wrote them; the key makes
# a row left behind (triggers turned off by hand) harmless to every later transaction.
FORWARD = """
CREATE UNLOGGED TABLE loans_balance_check_loan (xid bigint NOT NULL, loan_id bigint NOT NULL);
CREATE UNLOGGED TABLE loans_balance_check_due (xid bigint PRIMARY KEY);

CREATE FUNCTION mikrolaan_note_loans_to_check() RETURNS trigger AS $$
DECLARE x bigint := txid_current();
BEGIN
  INSERT INTO loans_balance_check_loan (xid, loan_id)
    SELECT DISTINCT x, loan_id FROM new_entries;
  IF FOUND THEN
    -- One check per transaction: the second statement finds the first one's row.
    INSERT INTO loans_balance_check_due (xid) VALUES (x) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER loans_ledgerentry_note_loans AFTER INSERT ON loans_ledgerentry
  REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION mikrolaan_note_loans_to_check();

CREATE FUNCTION mikrolaan_check_noted_balances() RETURNS trigger AS $$
DECLARE bad record;
BEGIN
  SELECT c.loan_id, s.owed, l.balance AS kept INTO bad
    FROM (SELECT DISTINCT loan_id FROM loans_balance_check_loan WHERE xid = NEW.xid) c
    CROSS JOIN LATERAL (
      SELECT COALESCE(SUM(e.debt_delta), 0) AS owed
      FROM loans_ledgerentry e WHERE e.loan_id = c.loan_id
    ) s
    -- (no loan row: the foreign key refuses the entry itself)
    LEFT JOIN loans_loan l ON l.id = c.loan_id
    WHERE s.owed < 0 OR l.balance <> s.owed
    ORDER BY c.loan_id LIMIT 1;
  IF FOUND THEN
    IF bad.owed < 0 THEN
      RAISE EXCEPTION 'loan %: the balance would be % (below zero)', bad.loan_id, bad.owed
        USING ERRCODE = 'check_violation';
    END IF;
    RAISE EXCEPTION 'loan %: the kept balance % is not the ledger''s %',
      bad.loan_id, bad.kept, bad.owed USING ERRCODE = 'check_violation';
  END IF;
  DELETE FROM loans_balance_check_loan WHERE xid = NEW.xid;
  DELETE FROM loans_balance_check_due WHERE xid = NEW.xid;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER loans_balance_check_due_at_commit
  AFTER INSERT ON loans_balance_check_due
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mikrolaan_check_noted_balances();

DROP TRIGGER loans_ledgerentry_balance_not_negative ON loans_ledgerentry;
DROP FUNCTION mikrolaan_loan_balance_not_negative();
"""

# Back to a check per entry (as migration 0005 left it).
BACKWARD = """
DROP TRIGGER loans_ledgerentry_note_loans ON loans_ledgerentry;
DROP FUNCTION mikrolaan_note_loans_to_check();
DROP TABLE loans_balance_check_due;
DROP TABLE loans_balance_check_loan;
DROP FUNCTION mikrolaan_check_noted_balances();

CREATE FUNCTION mikrolaan_loan_balance_not_negative() RETURNS trigger AS $$
DECLARE owed numeric; kept numeric;
BEGIN
  SELECT COALESCE(SUM(debt_delta), 0) INTO owed
    FROM loans_ledgerentry WHERE loan_id = NEW.loan_id;
  IF owed < 0 THEN
    RAISE EXCEPTION 'loan %: the balance would be % (below zero)', NEW.loan_id, owed
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT balance INTO kept FROM loans_loan WHERE id = NEW.loan_id;
  IF kept IS NOT NULL AND kept <> owed THEN
    RAISE EXCEPTION 'loan %: the kept balance % is not the ledger''s %',
      NEW.loan_id, kept, owed USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER loans_ledgerentry_balance_not_negative
  AFTER INSERT ON loans_ledgerentry
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mikrolaan_loan_balance_not_negative();
"""


class BalanceCheckedOncePerLoan(migrations.RunSQL):
    """PostgreSQL only; SQLite has no commit-time check (``loans.ledger.post`` guards)."""

    def __init__(self):
        super().__init__(sql=FORWARD, reverse_sql=BACKWARD)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "Check each loan's balance once per transaction at commit (PostgreSQL)"


class Migration(migrations.Migration):
    dependencies = [("loans", "0009_last_paid_on")]

    operations = [BalanceCheckedOncePerLoan()]
