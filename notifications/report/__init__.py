"""The compliance report rendered: charts (matplotlib), HTML (Jinja2), PDF (ReportLab), CSV and JSON."""
