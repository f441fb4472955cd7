/** The pipeline compiler and engine. */
package io.tributary.runtime;
