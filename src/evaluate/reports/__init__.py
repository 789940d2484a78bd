"""What each notebook shows: sections, charts, tables, formatting, privacy, records."""
