"""Link to the vending controller's microcontroller, audit data and safe flashing."""
