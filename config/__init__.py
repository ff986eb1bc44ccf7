"""Configuration: the settings object (environment) and the chase policy (TOML)."""
