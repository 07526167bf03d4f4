"""Review tools for pull requests: drift check, plan of a change, describe; they read renders, never render differently."""
