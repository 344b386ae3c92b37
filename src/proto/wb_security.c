/*  wb_security: CURVE key files. See wb_security.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "wb_security.h"

#define S_NAME_MAX 64             /* key names and agent ids */
#define S_KEY_BYTES 32
#define S_FILE_MAX 65536          /* a certificate is a few hundred bytes */

bool
wb_security_endpoint_is_network (const char *endpoint)
{
    if (!endpoint)
        return false;
    //  an ipc socket file sits behind its folder's permissions; an
    //  abstract name (ipc://@name) has none, anyone on the host reaches it
    bool socket_file = strncmp (endpoint, "ipc://", 6) == 0 && endpoint [6] != '@';
    return !socket_file && strncmp (endpoint, "inproc://", 9) != 0;
}

//  True if text is a CURVE key in Z85: 40 characters that decode.
static bool
s_key_valid (const char *text)
{
    uint8_t key [S_KEY_BYTES];
    return text && strlen (text) == WB_SECURITY_KEY_TEXT && zmq_z85_decode (key, text) != NULL;
}

//  The text of a certificate file, or NULL with the reason in error. A
//  file that does not even mention a public-key is not parsed, so that
//  the ZPL parser does not complain about it in the log.
static char *
s_slurp (const char *path, char *error, size_t error_size)
{
    if (!path || !*path) {
        snprintf (error, error_size, "no certificate file given");
        return NULL;
    }
    FILE *file = fopen (path, "r");
    struct stat info;
    if (!file) {
        snprintf (error, error_size, "%s: %s", path, strerror (errno));
        return NULL;
    }
    char *text = NULL;
    if (fstat (fileno (file), &info) == -1 || !S_ISREG (info.st_mode) || info.st_size > S_FILE_MAX)
        snprintf (error, error_size, "%s: not a certificate file (%s)", path,
                  S_ISREG (info.st_mode) ? "too big" : "not a regular file");
    else {
        text = zmalloc ((size_t) info.st_size + 1);
        size_t size = fread (text, 1, (size_t) info.st_size, file);
        text [size] = 0;
    }
    fclose (file);
    if (text && !strstr (text, "public-key")) {
        snprintf (error, error_size, "%s: not a CURVE certificate (no curve public-key; "
                  "make one with wbctl keygen)", path);
        zstr_free (&text);
    }
    return text;
}

//  Read a certificate file: its ZPL tree, checked to hold a valid public
//  key. NULL with a sentence naming the file.
static zconfig_t *
s_read (const char *path, char *error, size_t error_size)
{
    char *text = s_slurp (path, error, error_size);
    if (!text)
        return NULL;
    zconfig_t *root = zconfig_str_load (text);
    zstr_free (&text);
    const char *key = root ? zconfig_get (root, "/curve/public-key", NULL) : NULL;
    if (s_key_valid (key))
        return root;
    if (key)
        snprintf (error, error_size, "%s: its public-key is not a %d-character Z85 key",
                  path, WB_SECURITY_KEY_TEXT);
    else
        snprintf (error, error_size, "%s: not a CURVE certificate (no curve public-key; "
                  "make one with wbctl keygen)", path);
    zconfig_destroy (&root);
    return NULL;
}

//  A certificate from a tree that holds both keys, checked to belong
//  together. NULL with a sentence naming the file.
static zcert_t *
s_cert_from_tree (zconfig_t *root, const char *path, char *error, size_t error_size)
{
    const char *public_text = zconfig_get (root, "/curve/public-key", NULL);
    const char *secret_text = zconfig_get (root, "/curve/secret-key", NULL);
    char derived [WB_SECURITY_KEY_TEXT + 1] = "";
    if (!s_key_valid (secret_text)) {
        snprintf (error, error_size, "%s: its secret-key is not a %d-character Z85 key",
                  path, WB_SECURITY_KEY_TEXT);
        return NULL;
    }
    if (zmq_curve_public (derived, secret_text) == -1 || strcmp (derived, public_text) != 0) {
        snprintf (error, error_size, "%s: its secret-key does not belong to its public-key", path);
        return NULL;
    }
    uint8_t public_key [S_KEY_BYTES], secret_key [S_KEY_BYTES];
    zmq_z85_decode (public_key, public_text);
    zmq_z85_decode (secret_key, secret_text);
    return zcert_new_from (public_key, secret_key);
}

zcert_t *
wb_security_load_secret (const char *path, char *error, size_t error_size)
{
    zconfig_t *root = s_read (path, error, error_size);
    if (!root)
        return NULL;
    char secret_path [PATH_MAX];
    const char *used = path;
    if (!zconfig_get (root, "/curve/secret-key", NULL)) {
        //  the public half: look for its secret beside it, as zcert does
        zconfig_destroy (&root);
        if (snprintf (secret_path, sizeof (secret_path), "%s_secret", path) >= (int) sizeof (secret_path)
        ||  !zsys_file_exists (secret_path)) {
            snprintf (error, error_size, "%s: holds no secret key, and %s does not exist: "
                      "give your own NAME_secret file (wbctl keygen writes it)", path, secret_path);
            return NULL;
        }
        used = secret_path;
        root = s_read (used, error, error_size);
        if (!root)
            return NULL;
    }
    zcert_t *cert = s_cert_from_tree (root, used, error, error_size);
    zconfig_destroy (&root);
    return cert;
}

int
wb_security_load_public (const char *path, char *key, char *error, size_t error_size)
{
    zconfig_t *root = s_read (path, error, error_size);
    if (!root || !key) {
        zconfig_destroy (&root);
        return -1;
    }
    snprintf (key, WB_SECURITY_KEY_TEXT + 1, "%s", zconfig_get (root, "/curve/public-key", ""));
    zconfig_destroy (&root);
    return 0;
}

int
wb_security_count_keys (const char *folder, char *error, size_t error_size)
{
    DIR *dir = folder && *folder ? opendir (folder) : NULL;
    if (!dir) {
        snprintf (error, error_size, "authorised keys %s: %s", folder ? folder : "(none)",
                  folder && *folder ? strerror (errno) : "no folder given");
        return -1;
    }
    int count = 0;
    for (struct dirent *entry = readdir (dir); entry; entry = readdir (dir)) {
        char path [PATH_MAX], ignored [256];
        if (entry->d_name [0] == '.'
        ||  snprintf (path, sizeof (path), "%s/%s", folder, entry->d_name) >= (int) sizeof (path))
            continue;
        zconfig_t *root = s_read (path, ignored, sizeof (ignored));
        count += root != NULL;
        zconfig_destroy (&root);
    }
    closedir (dir);
    return count;
}

bool
wb_security_key_authorised (const char *folder, const char *key)
{
    DIR *dir = folder && key ? opendir (folder) : NULL;
    bool found = false;
    for (struct dirent *entry = dir ? readdir (dir) : NULL; entry && !found;
         entry = readdir (dir)) {
        char path [PATH_MAX], ignored [256];
        if (entry->d_name [0] == '.'
        ||  snprintf (path, sizeof (path), "%s/%s", folder, entry->d_name) >= (int) sizeof (path))
            continue;
        zconfig_t *root = s_read (path, ignored, sizeof (ignored));
        found = root && streq (zconfig_get (root, "/curve/public-key", ""), key);
        zconfig_destroy (&root);
    }
    if (dir)
        closedir (dir);
    return found;
}

//  True if text can name a key file or an agent: 1 to 64 letters, digits,
//  '.', '_' or '-', not starting with '.' or '-'.
static bool
s_name_valid (const char *text)
{
    size_t length = text ? strlen (text) : 0;
    return length > 0 && length <= S_NAME_MAX && text [0] != '.' && text [0] != '-'
        && strspn (text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == length;
}

//  The two paths of a pair; -1 with a sentence if one exists or is too long.
static int
s_pair_paths (const char *folder, const char *name, char *public_path, char *secret_path,
              char *error, size_t error_size)
{
    if (snprintf (public_path, PATH_MAX, "%s/%s", folder, name) >= PATH_MAX
    ||  snprintf (secret_path, PATH_MAX, "%s_secret", public_path) >= PATH_MAX) {
        snprintf (error, error_size, "%s/%s: path too long", folder, name);
        return -1;
    }
    const char *existing = zsys_file_exists (public_path) ? public_path
                         : zsys_file_exists (secret_path) ? secret_path : NULL;
    if (existing) {
        snprintf (error, error_size, "%s already exists: remove it or choose another name",
                  existing);
        return -1;
    }
    return 0;
}

int
wb_security_keygen (const char *folder, const char *name, const char *agent_id,
                    char *error, size_t error_size)
{
    const char *bad = !s_name_valid (name) ? name : agent_id && !s_name_valid (agent_id) ? agent_id : NULL;
    if (bad || !name) {
        snprintf (error, error_size, "'%s' cannot name a key or an agent: use 1 to %d letters, "
                  "digits, '.', '_' or '-'", bad ? bad : "", S_NAME_MAX);
        return -1;
    }
    folder = folder && *folder ? folder : ".";
    char public_path [PATH_MAX], secret_path [PATH_MAX];
    if (zsys_dir_create ("%s", folder) == -1) {
        snprintf (error, error_size, "cannot create %s: %s", folder, strerror (errno));
        return -1;
    }
    if (s_pair_paths (folder, name, public_path, secret_path, error, error_size))
        return -1;
    zcert_t *cert = zcert_new ();
    if (agent_id)
        zcert_set_meta (cert, WB_SECURITY_AGENT_ID, "%s", agent_id);
    int rc = zcert_save_public (cert, public_path);
    zsys_file_mode_private ();          //  the secret half: owner only
    if (rc == 0)
        rc = zcert_save_secret (cert, secret_path);
    zsys_file_mode_default ();
    if (rc == 0)
        rc = chmod (secret_path, 0600);
    if (rc)
        snprintf (error, error_size, "cannot write %s: %s", public_path, strerror (errno));
    zcert_destroy (&cert);
    return rc ? -1 : 0;
}
