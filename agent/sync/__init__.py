"""Cloud sync over MQTT with a durable outbox."""
