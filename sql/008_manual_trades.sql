-- Trades recorded by hand (POST /api/trades) are marked in the trade log (#11 item 4): `manual`
-- and the caller's `note` ("forced: <reason>" when a price outside the risk band was forced).
--
-- The mark travels on the order row the engine writes just before the trade (the trade's
-- foreign key needs it first): a hand-recorded trade's order has strategy_id 0 and the reason
-- 'recorded by hand', optionally followed by '; <note>'. This trigger copies it onto the trade,
-- so the journal's trade insert needs no new columns. Only trades of strategy 0 look the order
-- up, so strategy fills pay nothing.
--
-- Ranges: every money, price and quantity column is NUMERIC(28, 8) (20 integer digits), wider
-- than anything the ledger holds (int64 of 1e-8 units, |value| <= 92233720368.54775807), and
-- meridian_notional's cast fits any product the ledger accepts; no column needs widening.

ALTER TABLE trades
  ADD COLUMN manual BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN note   TEXT;

CREATE FUNCTION trades_mark_manual() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  why TEXT;
BEGIN
  IF NEW.strategy_id = 0 THEN
    SELECT reason INTO why FROM orders WHERE id = NEW.order_id;
    IF why = 'recorded by hand' OR why LIKE 'recorded by hand; %' THEN
      NEW.manual := true;
      NEW.note := NULLIF(substr(why, length('recorded by hand; ') + 1), '');
    END IF;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER trades_mark_manual BEFORE INSERT ON trades
  FOR EACH ROW EXECUTE FUNCTION trades_mark_manual();

-- Trades recorded before this migration.
UPDATE trades t SET manual = true,
                    note = NULLIF(substr(o.reason, length('recorded by hand; ') + 1), '')
  FROM orders o
 WHERE o.id = t.order_id AND t.strategy_id = 0
   AND (o.reason = 'recorded by hand' OR o.reason LIKE 'recorded by hand; %');
