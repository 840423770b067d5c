//! Runtime configuration, read once from environment variables. Every
//! variable is listed in the README and in `.env.example`.
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` (default, a file under `data_dir`) or `postgres://…`.
    pub database_url: String,
    /// Where runtime data lives: the SQLite file, the search index, mail.
    pub data_dir: PathBuf,
    /// `SEARCH_DIR`: this node's search index (default `data_dir/search`).
    /// Each server process needs its own; several nodes on one PostgreSQL
    /// database each keep a replica fed from the shared outbox.
    pub search_dir: PathBuf,
    /// Load the reference data (councils, footprints, CPV) when the server starts.
    pub seed_on_start: bool,
    /// Load the demo catalogue (real CCS frameworks, lots and suppliers,
    /// labelled as demo data) when the catalogue is empty.
    pub load_demo_data: bool,
    /// Log lines as JSON (for log shippers) instead of human-readable text.
    pub log_json: bool,
    /// Largest number of pooled database connections.
    pub db_max_connections: u32,
    /// How many reverse proxies in front of the server to believe about the
    /// client's address (`X-Forwarded-For`); 0 trusts none and uses the
    /// connection's own address.
    pub trusted_proxies: usize,
    /// Memory for rendered public pages (`PAGE_CACHE_MB`, 0 turns the cache off).
    pub page_cache_bytes: usize,
    /// `SECRET_KEY`: what anonymous visitors' anti-forgery tokens are bound
    /// to. When unset, `serve` keeps one in `data_dir/secret.key` (made on
    /// first start), so tokens survive restarts.
    pub secret_key: Option<String>,
    /// `SMTP_URL` (`smtp://user:password@host:587` with STARTTLS, `smtps://…`
    /// for TLS from the start): where email goes. Unset, messages are written
    /// to `data_dir/mail` and listed on the admin's email page.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender of every message.
    pub mail_from: String,
    /// `PUBLIC_URL`: how people reach the service, for links in emails.
    pub public_url: String,
}

/// The shortest `SECRET_KEY` accepted (characters; 64 hex digits is 256 bits).
pub const MIN_SECRET_KEY_CHARS: usize = 32;

impl Config {
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let data_dir = PathBuf::from(lookup("DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let database_url = lookup("DATABASE_URL")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("commons.db").display()
                )
            });
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(format!(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql:// (got {:?})",
                database_url.split(':').next().unwrap_or_default()
            ));
        }
        let flag = |key: &str, default: bool| -> Result<bool, String> {
            match lookup(key).as_deref().map(str::trim) {
                None | Some("") => Ok(default),
                Some("1" | "true" | "yes") => Ok(true),
                Some("0" | "false" | "no") => Ok(false),
                Some(other) => Err(format!("{key} must be true or false (got {other:?})")),
            }
        };
        let db_max_connections = match lookup("DB_MAX_CONNECTIONS") {
            None => 10,
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    format!("DB_MAX_CONNECTIONS must be a positive whole number (got {v:?})")
                })?,
        };
        let trusted_proxies = match lookup("TRUSTED_PROXIES") {
            None => 0,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 10)
                .ok_or_else(|| {
                    format!("TRUSTED_PROXIES must be a whole number from 0 to 10 (got {v:?})")
                })?,
        };
        let page_cache_bytes = match lookup("PAGE_CACHE_MB") {
            None => 64 << 20,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 4096)
                .map(|mb| mb << 20)
                .ok_or_else(|| {
                    format!("PAGE_CACHE_MB must be a whole number from 0 to 4096 (got {v:?})")
                })?,
        };
        let secret_key = match lookup("SECRET_KEY").filter(|v| !v.trim().is_empty()) {
            Some(key) if key.trim().chars().count() < MIN_SECRET_KEY_CHARS => {
                return Err(format!(
                    "SECRET_KEY must be at least {MIN_SECRET_KEY_CHARS} characters (for example 64 random hex digits)"
                ));
            }
            key => key.map(|k| k.trim().to_owned()),
        };
        let smtp_url = lookup("SMTP_URL").filter(|v| !v.trim().is_empty());
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err("SMTP_URL must start with smtp:// or smtps://".to_owned());
        }
        let public_url = lookup("PUBLIC_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned());
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "PUBLIC_URL must start with http:// or https:// (got {public_url:?})"
            ));
        }
        let search_dir = lookup("SEARCH_DIR")
            .filter(|v| !v.trim().is_empty())
            .map_or_else(|| data_dir.join("search"), PathBuf::from);
        Ok(Self {
            search_dir,
            smtp_url,
            mail_from: lookup("MAIL_FROM")
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| {
                    "Procurement Commons <no-reply@procurement-commons.invalid>".to_owned()
                }),
            public_url: public_url.trim().trim_end_matches('/').to_owned(),
            secret_key,
            trusted_proxies,
            page_cache_bytes,
            database_url,
            data_dir,
            seed_on_start: flag("SEED_ON_START", true)?,
            load_demo_data: flag("LOAD_DEMO_DATA", true)?,
            log_json: lookup("LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            db_max_connections,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_an_sqlite_file_in_the_data_dir() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/commons.db?mode=rwc");
        assert!(c.is_sqlite() && c.seed_on_start && !c.log_json);
        let c = config(&[("DATA_DIR", "/srv/commons")]).unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/commons/commons.db?mode=rwc");
    }

    #[test]
    fn postgres_urls_select_postgres() {
        let c = config(&[("DATABASE_URL", "postgres://postgres@127.0.0.1/commons")]).unwrap();
        assert!(!c.is_sqlite());
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert!(
            config(&[("DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .contains("DATABASE_URL")
        );
        assert!(
            config(&[("SEED_ON_START", "maybe")])
                .unwrap_err()
                .contains("SEED_ON_START")
        );
        assert!(
            config(&[("TRUSTED_PROXIES", "many")])
                .unwrap_err()
                .contains("TRUSTED_PROXIES")
        );
        assert!(
            config(&[("DB_MAX_CONNECTIONS", "0")])
                .unwrap_err()
                .contains("DB_MAX_CONNECTIONS")
        );
        assert!(
            config(&[("SECRET_KEY", "short")])
                .unwrap_err()
                .contains("SECRET_KEY must be at least 32 characters")
        );
        assert!(
            config(&[("SMTP_URL", "http://mail")])
                .unwrap_err()
                .contains("SMTP_URL")
        );
        assert!(
            config(&[("PUBLIC_URL", "commons.example")])
                .unwrap_err()
                .contains("PUBLIC_URL")
        );
        assert_eq!(
            config(&[("PUBLIC_URL", "https://commons.example/")])
                .unwrap()
                .public_url,
            "https://commons.example"
        );
        assert_eq!(
            config(&[("PAGE_CACHE_MB", "lots")]).unwrap_err(),
            "PAGE_CACHE_MB must be a whole number from 0 to 4096 (got \"lots\")"
        );
        assert_eq!(config(&[]).unwrap().page_cache_bytes, 64 << 20);
        assert_eq!(
            config(&[("PAGE_CACHE_MB", "0")]).unwrap().page_cache_bytes,
            0
        );
        let key = "k".repeat(40);
        assert_eq!(
            config(&[("SECRET_KEY", key.as_str())]).unwrap().secret_key,
            Some(key.clone())
        );
    }
}
