"""One date format per language across the site (`FORMAT_MODULE_PATH`): "4 Desember 2026" in Indonesian, "4 December
2026" in English, wherever a page writes `{{ day|date }}` or Python `date_format(day)`; times as "4 Desember 2026
13.05" / "4 December 2026 13:05". Numbers keep Django's own marks per language ("7,5" / "7.5")."""
