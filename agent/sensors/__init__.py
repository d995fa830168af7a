"""Sensors through gpiozero, stock per product, restock alerts."""
