"""report-assistant: answers questions about a folder of reports, with numbers and cited passages."""
