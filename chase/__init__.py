"""The nightly chase between the database and the pure rules: load cases set-wise, apply decisions in batches."""
