-- A province-scale registry for the benchmark: 20,000 units (40 % towns, 45 % county
-- departments, 10 % county enterprises, 5 % vertical units) with 6 leaders each, in a database of
-- its own. Written directly by SQL as the owner, in a second, so these rows have no audit records:
-- they are load, not history. Run on a freshly migrated database.
BEGIN;
INSERT INTO units (name, kind, contact_person, contact_phone, address)
SELECT format('%s第%s号单位',
              (ARRAY['镇', '县直部门', '县属企业', '垂直管理单位'])[k], n),
       (ARRAY['town', 'county_department', 'county_enterprise', 'vertical'])[k],
       format('联系人%s', n), format('0763-%s', 1000000 + n), format('某省某市某县%s号', n)
  FROM (SELECT n, CASE WHEN n % 20 < 8 THEN 1 WHEN n % 20 < 17 THEN 2 WHEN n % 20 < 19 THEN 3
                       ELSE 4 END AS k
          FROM generate_series(1, 20000) AS n) AS s;
INSERT INTO leaders (unit_id, name, position, is_first_responsible)
SELECT u.id, format('领导%s-%s', u.id, p), (ARRAY['书记', '主任', '副书记', '副主任', '委员', '委员'])[p],
       p = 1
  FROM units u, generate_series(1, 6) AS p;
COMMIT;
ANALYZE units;
ANALYZE leaders;
