"""The self-service kiosk (综合自助服务机): the citizen's own card-only services."""
