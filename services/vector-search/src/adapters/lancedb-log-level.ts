// LanceDB's native logger reads LANCEDB_LOG once, when the module loads: default it to errors so
// routine notices ("No existing dataset ... it will be created") stay out of the JSON log stream.
process.env["LANCEDB_LOG"] ??= "error";
