"""`pbxconn preview`: a connector as a maker meets it in the designer, as one self-contained HTML page."""
