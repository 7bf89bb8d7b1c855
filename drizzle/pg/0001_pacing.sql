CREATE TABLE "pacing_grants" (
	"key" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" double precision NOT NULL,
	CONSTRAINT "pacing_grants_key_seq_pk" PRIMARY KEY("key","seq")
);
--> statement-breakpoint
CREATE TABLE "pacing_state" (
	"key" text PRIMARY KEY NOT NULL,
	"next_seq" bigint DEFAULT 1 NOT NULL,
	"paused_until" double precision DEFAULT 0 NOT NULL,
	"seeded" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "pacing_grants_key_at_idx" ON "pacing_grants" USING btree ("key","at");--> statement-breakpoint
-- Hand-added (drizzle-kit has no UNLOGGED): the pacing log is written at the send rate and is rebuilt from the messages after a crash.
ALTER TABLE "pacing_grants" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "pacing_state" SET UNLOGGED;
--> statement-breakpoint
-- Hand-added: one take of PgPacingStore (src/platform/pacing/pg.ts) in one call, so the advisory lock is held only while
-- the server runs it and its plans are cached per connection. The rule is planGrants in src/platform/pacing/plan.ts.
CREATE FUNCTION wcs_pacing_take(p_key text, p_rate integer, p_window double precision, p_burst integer, p_k integer)
RETURNS TABLE (r_t double precision, r_seeded boolean, r_paused double precision, r_n integer, r_recent integer, r_m integer, r_first bigint, r_wa double precision, r_sa double precision)
LANGUAGE plpgsql VOLATILE
SET lock_timeout = 2000
AS $$
DECLARE
  v_span double precision := p_burst * p_window / p_rate;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('wcs:pacing'), hashtext(p_key));
  -- Each statement below takes its snapshot after the lock: it sees every take committed before this one.
  r_t := (extract(epoch FROM clock_timestamp()) * 1000)::double precision;
  SELECT s.seeded, s.paused_until, s.next_seq INTO r_seeded, r_paused, r_first FROM pacing_state s WHERE s.key = p_key;
  r_seeded := coalesce(r_seeded, false);
  r_paused := coalesce(r_paused, 0);
  r_first := coalesce(r_first, 1);
  r_n := 0;
  r_recent := 0;
  r_m := 0;
  IF NOT r_seeded OR r_paused > r_t THEN
    RETURN NEXT;
    RETURN;
  END IF;
  DELETE FROM pacing_grants g WHERE g.key = p_key AND g.at <= r_t - p_window;
  SELECT count(*)::integer, (count(*) FILTER (WHERE g.at > r_t - v_span))::integer INTO r_n, r_recent
    FROM pacing_grants g WHERE g.key = p_key AND g.at > r_t - p_window;
  r_m := GREATEST(0, LEAST(p_k, p_rate - r_n, p_burst - r_recent));
  IF r_n + r_m - p_rate BETWEEN 0 AND r_n - 1 THEN
    SELECT g.at INTO r_wa FROM pacing_grants g WHERE g.key = p_key AND g.at > r_t - p_window ORDER BY g.at OFFSET r_n + r_m - p_rate LIMIT 1;
  END IF;
  IF r_n + r_m - p_burst BETWEEN 0 AND r_n - 1 THEN
    SELECT g.at INTO r_sa FROM pacing_grants g WHERE g.key = p_key AND g.at > r_t - p_window ORDER BY g.at OFFSET r_n + r_m - p_burst LIMIT 1;
  END IF;
  IF r_m > 0 THEN
    INSERT INTO pacing_grants (key, seq, at) SELECT p_key, r_first + i, r_t FROM generate_series(0, r_m - 1) AS i;
    UPDATE pacing_state s SET next_seq = s.next_seq + r_m WHERE s.key = p_key;
  END IF;
  RETURN NEXT;
END
$$;
