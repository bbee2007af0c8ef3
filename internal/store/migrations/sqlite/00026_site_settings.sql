-- +goose Up
-- The website's own particulars that every page's footer shows (《政府网站发展指引》, 国办发〔2017〕47号): 主办单位,
-- 承办单位, 联系方式, 网站标识码, ICP 备案号, 公安机关备案号 — one row per field, set by the system administrator.
CREATE TABLE site_settings (
    name       TEXT   NOT NULL PRIMARY KEY,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE site_settings;
