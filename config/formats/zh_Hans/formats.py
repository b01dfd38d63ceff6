# One date format on every page, per language: templates write {{ value|date }} (DATE_FORMAT) or
# {{ value|date:"DATETIME_FORMAT" }}, and dates shown as they are use the same.
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
