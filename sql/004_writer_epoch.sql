-- Fencing token for the one-writer-per-portfolio rule. A daemon that takes a portfolio's
-- advisory lock bumps the epoch before it loads state; its journal writer checks the epoch
-- (row-locked) in every batch, so a daemon that lost its lock can never commit behind the
-- back of the one that took over.
ALTER TABLE portfolios ADD COLUMN writer_epoch BIGINT NOT NULL DEFAULT 0;
