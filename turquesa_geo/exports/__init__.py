"""Files that leave Turquesa: the dispatcher, handling marking, the export log, data tables and the briefing pack."""
