-- SNOMED CT UK codes on referral history, for GP systems (see docs/codes-and-standards.md):
-- 871731000000106 "Referral to social prescribing service" when a referral is accepted;
-- 871711000000103 "Social prescribing declined" when the person declines.
ALTER TABLE referral_event ADD COLUMN snomed_code text CHECK (snomed_code ~ '^\d{6,18}$');
