/**
 * W3C correlation helpers: {@link io.tributary.api.trace.TraceParent} and {@link
 * io.tributary.api.trace.TraceState} (W3C Trace Context), and {@link
 * io.tributary.api.trace.Baggage} (W3C Baggage). {@code TraceParent} also generates and checks
 * trace and span ids on their own, and repairs trace ids ({@code newTraceId}, {@code newSpanId},
 * {@code isValidTraceId}, {@code isValidSpanId}, {@code normalizeTraceId}).
 *
 * <p>Every type here is immutable and thread-safe. Parsing methods take untrusted header values
 * and never throw for bad input: they return {@code null} or an empty value. Factory and mutation
 * methods ({@code of}, {@code with}) take values chosen by code and throw {@link
 * IllegalArgumentException} naming the problem. Arguments and results are non-null unless a
 * method says otherwise.
 */
package io.tributary.api.trace;
