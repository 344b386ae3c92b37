/*  wb_json: protocol messages and key/value lists as JSON. See wb_json.h. */
#include <string.h>
#include "wb_json.h"
#include "wb_prelude.h"
#include "wb_protocol.h"

//  The protocol's collections: lists whose entries all carry one key.
//  They become JSON arrays whatever their size.
static const struct {
    const char *list;
    const char *item;
} s_collections [] = {
    { WB_ATTR_INTERACTIONS, WB_ATTR_INTERACTION },
    { WB_ATTR_WORKBIN_TYPES, WB_ATTR_WORKBIN_TYPE_INFO },
    { WB_ATTR_OWNERS, WB_ATTR_OWNER },
};

#define COLLECTION_COUNT WB_COUNT_OF (s_collections)

static json_t *s_value_at (const wb_kvlist_t *list, size_t index);

//  {"hex": "..."} for any bytes.
static json_t *
s_hex (const void *data, size_t size)
{
    static const char digits [] = "0123456789abcdef";
    const unsigned char *bytes = data;
    char *text = wb_malloc (size * 2 + 1);
    for (size_t index = 0; index < size; index++) {
        text [index * 2] = digits [bytes [index] >> 4];
        text [index * 2 + 1] = digits [bytes [index] & 0x0F];
    }
    text [size * 2] = 0;
    json_t *hex = json_pack ("{s:s}", "hex", text);
    free (text);
    return hex;
}

//  A string, or its bytes as hex if it is not valid UTF-8.
static json_t *
s_string (const char *text)
{
    json_t *string = json_string (text);
    return string ? string : s_hex (text, strlen (text));
}

//  The key every entry shares, or NULL if the list is empty or mixed.
static const char *
s_common_key (const wb_kvlist_t *list)
{
    size_t size = wb_kvlist_size (list);
    const char *key = size ? wb_kvlist_key_at (list, 0) : NULL;
    for (size_t index = 1; key && index < size; index++)
        if (strcmp (wb_kvlist_key_at (list, index), key) != 0)
            key = NULL;
    return key;
}

//  True when the list held under key is converted to an array.
static bool
s_is_array (const char *key, const wb_kvlist_t *list)
{
    const char *common = s_common_key (list);
    for (size_t index = 0; key && index < COLLECTION_COUNT; index++)
        if (strcmp (key, s_collections [index].list) == 0)
            return wb_kvlist_size (list) == 0
                || (common && strcmp (common, s_collections [index].item) == 0);
    return common && wb_kvlist_size (list) >= 2;
}

static json_t *
s_array (const wb_kvlist_t *list)
{
    json_t *array = json_array ();
    for (size_t index = 0; array && index < wb_kvlist_size (list); index++)
        if (json_array_append_new (array, s_value_at (list, index)) == -1) {
            json_decref (array);
            array = NULL;
        }
    return array;
}

//  How many times each key occurs, as {key: count}.
static json_t *
s_key_counts (const wb_kvlist_t *list)
{
    json_t *counts = json_object ();
    for (size_t index = 0; counts && index < wb_kvlist_size (list); index++) {
        const char *key = wb_kvlist_key_at (list, index);
        json_int_t count = json_integer_value (json_object_get (counts, key));
        if (json_object_set_new (counts, key, json_integer (count + 1)) == -1) {
            json_decref (counts);
            counts = NULL;
        }
    }
    return counts;
}

//  Put one entry into an object: the value itself, or appended to the
//  array of a key that repeats. Return 0 or -1.
static int
s_object_add (json_t *object, const json_t *counts, const wb_kvlist_t *list, size_t index)
{
    const char *key = wb_kvlist_key_at (list, index);
    json_t *value = s_value_at (list, index);
    if (!value)
        return -1;
    if (json_integer_value (json_object_get (counts, key)) < 2)
        return json_object_set_new (object, key, value);
    json_t *values = json_object_get (object, key);
    if (!values) {
        values = json_array ();
        if (json_object_set_new (object, key, values) == -1) {
            json_decref (value);
            return -1;
        }
    }
    return json_array_append_new (values, value);
}

static json_t *
s_object (const wb_kvlist_t *list)
{
    json_t *counts = s_key_counts (list);
    json_t *object = counts ? json_object () : NULL;
    for (size_t index = 0; object && index < wb_kvlist_size (list); index++)
        if (s_object_add (object, counts, list, index) == -1) {
            json_decref (object);
            object = NULL;
        }
    json_decref (counts);
    return object;
}

//  The JSON value of the entry at index.
static json_t *
s_value_at (const wb_kvlist_t *list, size_t index)
{
    size_t size = 0;
    const void *data = NULL;
    switch (wb_kvlist_type_at (list, index)) {
        case WB_TYPE_STRING:
            return s_string (wb_kvlist_string_at (list, index));
        case WB_TYPE_INT:
            return json_integer ((json_int_t) wb_kvlist_int_at (list, index));
        case WB_TYPE_BINARY:
            data = wb_kvlist_binary_at (list, index, &size);
            return s_hex (data, size);
        case WB_TYPE_LIST:
            //  received bytes that fail their check: named, in their place
            if (wb_kvlist_status_at (list, index) != WB_CODEC_OK)
                return json_pack ("{ss}", "unreadable",
                                  wb_codec_status_text (wb_kvlist_status_at (list, index)));
            return wb_json_from_list (wb_kvlist_key_at (list, index),
                                      wb_kvlist_list_at (list, index));
    }
    return NULL;
}

json_t *
wb_json_from_kvlist (const wb_kvlist_t *list)
{
    return list ? s_object (list) : NULL;
}

json_t *
wb_json_from_list (const char *key, const wb_kvlist_t *list)
{
    if (!list)
        return NULL;
    return s_is_array (key, list) ? s_array (list) : s_object (list);
}

json_t *
wb_json_from_msg (const wb_msg_t *msg)
{
    if (!msg)
        return NULL;
    json_t *body = wb_json_from_kvlist (wb_msg_body_const (msg));
    json_t *object = json_pack ("{s:s, s:I}", "message", wb_msg_name (msg),
                                WB_ATTR_REFERENCE_ID, (json_int_t) wb_msg_reference_id (msg));
    if (!body || !object || json_object_update_missing (object, body) == -1) {
        json_decref (object);
        object = NULL;
    }
    json_decref (body);
    return object;
}

char *
wb_json_line (const wb_msg_t *msg)
{
    json_t *object = wb_json_from_msg (msg);
    char *line = object ? json_dumps (object, JSON_PRESERVE_ORDER) : NULL;
    json_decref (object);
    return line;
}

int
wb_json_print (const wb_msg_t *msg, FILE *stream)
{
    char *line = stream ? wb_json_line (msg) : NULL;
    int rc = line && fprintf (stream, "%s\n", line) >= 0 ? 0 : -1;
    free (line);
    return rc;
}
