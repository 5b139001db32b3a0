"""Amazon Connect: the flow simulator, flow files and number provisioning (Connect client injected)."""
