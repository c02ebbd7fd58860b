"""Forms of the pages whose input is not a plain Django form."""
