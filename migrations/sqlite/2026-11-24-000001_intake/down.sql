DROP TABLE events;
DROP TABLE idempotent_replies;
DROP TABLE petition_clocks;
DROP TABLE petition_identities;
DROP TABLE petition_attachments;
DROP TABLE petitions;
DROP TABLE routing_rules;
DROP TABLE partners;
