"""parley: who said what about peace talks, and when."""
