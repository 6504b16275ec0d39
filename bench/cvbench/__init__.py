"""The failover benchmark's pieces: processes, the simulator, SigV4, the tools measured, the report."""
