"""The policy file: loading, validation against fideslang, and the compiled rules the gate decides by."""
