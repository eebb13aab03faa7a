-- The like-for-like reference of the CSV benchmark: the sqlite3 shell's
-- .import of the CSV into a plain table, then the rows into greenslot's
-- own tables with the upsert greenslot uses (core/store.c), all in a
-- store that `greenslot ingest` created.  bench.sh runs it with the
-- input's path in place of @CSV@.
PRAGMA foreign_keys = ON;
CREATE TEMP TABLE raw (time TEXT, zone TEXT, signal TEXT, value REAL);
.import --csv --skip 1 @CSV@ raw
BEGIN;
INSERT INTO source (name) VALUES ('bench') ON CONFLICT (name) DO NOTHING;
INSERT INTO series (zone, signal, unit)
	SELECT DISTINCT zone, signal, 'gCO2eq/kWh' FROM raw WHERE true
	ON CONFLICT (zone, signal) DO UPDATE SET unit = excluded.unit
	WHERE series.unit IS NULL;
INSERT INTO point (series_id, time, value, source_id, fetched_at)
	SELECT s.id, unixepoch(r.time), r.value,
	       (SELECT id FROM source WHERE name = 'bench'), unixepoch('now')
	FROM raw r JOIN series s ON s.zone = r.zone AND s.signal = r.signal
	WHERE true
	ON CONFLICT (series_id, time) DO UPDATE SET value = excluded.value,
		source_id = excluded.source_id, fetched_at = excluded.fetched_at
	WHERE point.value IS NOT excluded.value;
COMMIT;
