-- costcalc: one row per billing period, account, Region, product, usage type, line-item type,
-- unit and currency of a CUR 2.0 export. The same text runs on DuckDB (costcalc's importer)
-- and on Amazon Athena/Trino; its output, saved as CSV, is a file costcalc imports.
-- `cur` is the export with CUR 2.0 column names: on Athena, first
--   CREATE OR REPLACE VIEW cur AS SELECT * FROM "<database>"."<data export table>";
-- costcalc makes the same view over a CSV, gzip CSV or Parquet file (legacy CUR and FOCUS
-- columns are renamed to these). Portable subset only: substr of a CAST for the month (both
-- engines print a timestamp as YYYY-MM-DD...; DuckDB runs with TimeZone UTC), TRY_CAST, CASE,
-- COALESCE, GROUP BY ordinals. Amounts go through DOUBLE to DECIMAL(38,12), which both engines
-- cast the same way; `bad_numbers` counts amounts that are not numbers instead of failing.
SELECT
  substr(CAST(bill_billing_period_start_date AS VARCHAR), 1, 7)            AS billing_period,
  COALESCE(CAST(line_item_usage_account_id AS VARCHAR), '')                AS account_id,
  COALESCE(CAST(product_region_code AS VARCHAR), '')                       AS region,
  COALESCE(CAST(line_item_product_code AS VARCHAR), '')                    AS product_code,
  COALESCE(CAST(line_item_usage_type AS VARCHAR), '')                      AS usage_type,
  COALESCE(CAST(line_item_line_item_type AS VARCHAR), '')                  AS line_item_type,
  COALESCE(CAST(pricing_unit AS VARCHAR), '')                              AS unit,
  COALESCE(CAST(line_item_currency_code AS VARCHAR), '')                   AS currency,
  SUM(CAST(TRY_CAST(line_item_usage_amount AS DOUBLE) AS DECIMAL(38, 12)))        AS usage_amount,
  SUM(CAST(TRY_CAST(line_item_unblended_cost AS DOUBLE) AS DECIMAL(38, 12)))      AS unblended_cost,
  SUM(CAST(TRY_CAST(pricing_public_on_demand_cost AS DOUBLE) AS DECIMAL(38, 12))) AS public_on_demand_cost,
  COUNT(*)                                                                  AS line_items,
  SUM(CASE WHEN substr(CAST(line_item_usage_start_date AS VARCHAR), 1, 7)
                <> substr(CAST(bill_billing_period_start_date AS VARCHAR), 1, 7)
           THEN 1 ELSE 0 END)                                               AS outside_period_items,
  SUM(CASE WHEN line_item_usage_amount IS NOT NULL
                AND TRY_CAST(line_item_usage_amount AS DOUBLE) IS NULL THEN 1
           WHEN line_item_unblended_cost IS NOT NULL
                AND TRY_CAST(line_item_unblended_cost AS DOUBLE) IS NULL THEN 1
           WHEN pricing_public_on_demand_cost IS NOT NULL
                AND TRY_CAST(pricing_public_on_demand_cost AS DOUBLE) IS NULL THEN 1
           ELSE 0 END)                                                      AS bad_numbers
FROM cur
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
