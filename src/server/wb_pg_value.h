/*  wb_pg_value: reading values of PostgreSQL's binary results, for the
    parts of the server that speak libpq (the store backend, the feed). */
#ifndef WB_PG_VALUE_H_INCLUDED
#define WB_PG_VALUE_H_INCLUDED

#include <endian.h>
#include <stdint.h>
#include <string.h>
#include <libpq-fe.h>

/* A bigint column of a binary result (big-endian on the wire); 0 for NULL. */
static inline int64_t
wb_pg_int64 (const PGresult *result, int row, int column)
{
    uint64_t value = 0;
    if (PQgetisnull (result, row, column) || PQgetlength (result, row, column) != 8)
        return 0;
    memcpy (&value, PQgetvalue (result, row, column), 8);
    return (int64_t) be64toh (value);
}

#endif
