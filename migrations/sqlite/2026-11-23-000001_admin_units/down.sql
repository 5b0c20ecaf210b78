DROP TABLE seed_runs;
DROP TABLE categories;
DROP TABLE offices;
DROP TABLE communes;
DROP TABLE provinces;
