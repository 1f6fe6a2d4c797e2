-- Case history is evidence for auditors: once written it is never changed or removed.
CREATE OR REPLACE FUNCTION case_history_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case_history is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER case_history_append_only
  BEFORE UPDATE OR DELETE ON case_history
  FOR EACH ROW EXECUTE FUNCTION case_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER case_history_no_truncate
  BEFORE TRUNCATE ON case_history
  FOR EACH STATEMENT EXECUTE FUNCTION case_history_refuse_change();
