-- wrk script for the OTLP ingest benchmark: POSTs one pre-encoded protobuf export request, the
-- file named by TRIBUTARY_WRK_BODY, to the URL wrk is given (http://host:4318/v1/traces).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-protobuf"
local f = assert(io.open(os.getenv("TRIBUTARY_WRK_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
