/* bench/list.c: `mmbench list`: every workload, collector and allocator with
 * its options, defaults and ranges, from the same tables -o is checked
 * against. */
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "registry.h"

static void value_text(const mmb_optdesc *d, double v, char *buf, size_t len)
{
    mmb_optvals one = {.n = 1};
    one.desc[0] = d;
    one.val[0] = v;
    mmb_opt_format(&one, 0, buf, len);
}

static const char *type_name(mmb_opttype t)
{
    static const char *const names[] = {"int", "size", "real", "enum"};
    return names[t];
}

static void text_options(const mmb_optdesc *opts)
{
    for (const mmb_optdesc *d = opts; d && d->name; d++) {
        char def[64], lo[64], hi[64];
        value_text(d, d->def, def, sizeof def);
        value_text(d, d->min, lo, sizeof lo);
        value_text(d, d->max, hi, sizeof hi);
        if (d->type == MMB_OPT_ENUM)
            printf("      %-16s %s (default %s): %s\n", d->name, d->choices, def, d->help);
        else
            printf("      %-16s %s, default %s, range [%s, %s]: %s\n", d->name, type_name(d->type),
                   def, lo, hi, d->help);
    }
}

static void text_allocs_of(unsigned mask)
{
    if (!mask) {
        printf("own heap");
        return;
    }
    for (int k = 0, first = 1; k < MMB_ALLOC_NKINDS; k++)
        if (mask & MMB_ALLOC_BIT(k)) {
            printf("%s%s", first ? "" : ", ", mmb_alloc_kind_name((mmb_alloc_kind)k));
            first = 0;
        }
}

static void list_text(void)
{
    puts("workloads:");
    for (int w = 0; w < mmb_nworkloads; w++) {
        printf("  %-12s %s\n    collectors:", mmb_workloads[w]->name, mmb_workloads[w]->help);
        for (int g = 0; g < mmb_ncollectors; g++)
            if (mmb_registry_supports(w, g))
                printf(" %s", mmb_collectors[g]->name);
        puts("\n    options:");
        text_options(mmb_workloads[w]->opts);
    }
    puts("collectors:");
    for (int g = 0; g < mmb_ncollectors; g++) {
        printf("  %-12s %s\n    allocators: ", mmb_collectors[g]->name, mmb_collectors[g]->help);
        text_allocs_of(mmb_collectors[g]->alloc_mask);
        puts("\n    options:");
        text_options(mmb_collectors[g]->opts);
    }
    puts("allocators:");
    for (int k = 0; k < MMB_ALLOC_NKINDS; k++) {
        mmb_alloc_kind kind = (mmb_alloc_kind)k;
        printf("  %s", mmb_alloc_kind_name(kind));
        if (!mmb_alloc_available(kind))
            printf(" (unavailable: %s)", mmb_alloc_missing_hint(kind));
        else if (mmb_alloc_preload(kind))
            printf(" (LD_PRELOAD %s in the run's child)", mmb_alloc_preload(kind));
        printf("\n    options:\n");
        text_options(mmb_alloc_options(kind));
    }
    puts("options of every run:");
    text_options(mmb_common_opts);
}

static void json_options(mmb_json *j, const mmb_optdesc *opts)
{
    mmb_json_key(j, "options");
    mmb_json_begin_array(j);
    for (const mmb_optdesc *d = opts; d && d->name; d++) {
        char buf[64];
        mmb_json_begin_object(j);
        mmb_json_key(j, "name"), mmb_json_string(j, d->name);
        mmb_json_key(j, "type"), mmb_json_string(j, type_name(d->type));
        mmb_json_key(j, "help"), mmb_json_string(j, d->help);
        if (d->type == MMB_OPT_ENUM) {
            mmb_json_key(j, "choices"), mmb_json_string(j, d->choices);
            mmb_json_key(j, "default"), mmb_json_string(j, mmb_opt_enum_name(d, (int)d->def, buf, sizeof buf));
        } else {
            mmb_json_key(j, "default"), mmb_json_double(j, d->def);
            mmb_json_key(j, "min"), mmb_json_double(j, d->min);
            mmb_json_key(j, "max"), mmb_json_double(j, d->max);
        }
        mmb_json_end_object(j);
    }
    mmb_json_end_array(j);
}

static void json_workloads(mmb_json *j)
{
    mmb_json_key(j, "workloads");
    mmb_json_begin_array(j);
    for (int w = 0; w < mmb_nworkloads; w++) {
        mmb_json_begin_object(j);
        mmb_json_key(j, "name"), mmb_json_string(j, mmb_workloads[w]->name);
        mmb_json_key(j, "help"), mmb_json_string(j, mmb_workloads[w]->help);
        mmb_json_key(j, "collectors");
        mmb_json_begin_array(j);
        for (int g = 0; g < mmb_ncollectors; g++)
            if (mmb_registry_supports(w, g))
                mmb_json_string(j, mmb_collectors[g]->name);
        mmb_json_end_array(j);
        json_options(j, mmb_workloads[w]->opts);
        mmb_json_end_object(j);
    }
    mmb_json_end_array(j);
}

static void json_collectors(mmb_json *j)
{
    mmb_json_key(j, "collectors");
    mmb_json_begin_array(j);
    for (int g = 0; g < mmb_ncollectors; g++) {
        const mmb_gc_desc *d = mmb_collectors[g];
        mmb_json_begin_object(j);
        mmb_json_key(j, "name"), mmb_json_string(j, d->name);
        mmb_json_key(j, "help"), mmb_json_string(j, d->help);
        mmb_json_key(j, "generations"), mmb_json_uint(j, (uint64_t)d->ngens);
        mmb_json_key(j, "allocators");
        mmb_json_begin_array(j);
        if (!d->alloc_mask)
            mmb_json_string(j, "own");
        for (int k = 0; k < MMB_ALLOC_NKINDS; k++)
            if (d->alloc_mask & MMB_ALLOC_BIT(k))
                mmb_json_string(j, mmb_alloc_kind_name((mmb_alloc_kind)k));
        mmb_json_end_array(j);
        json_options(j, d->opts);
        mmb_json_end_object(j);
    }
    mmb_json_end_array(j);
}

static void list_json(void)
{
    mmb_json j;
    mmb_json_init(&j, stdout, 1);
    mmb_json_begin_object(&j);
    mmb_json_key(&j, "schema"), mmb_json_string(&j, "mmbench/1");
    json_workloads(&j);
    json_collectors(&j);
    mmb_json_key(&j, "allocators");
    mmb_json_begin_array(&j);
    for (int k = 0; k < MMB_ALLOC_NKINDS; k++) {
        mmb_json_begin_object(&j);
        mmb_json_key(&j, "name"), mmb_json_string(&j, mmb_alloc_kind_name((mmb_alloc_kind)k));
        mmb_json_key(&j, "available"), mmb_json_bool(&j, mmb_alloc_available((mmb_alloc_kind)k));
        mmb_json_key(&j, "preload");
        if (mmb_alloc_preload((mmb_alloc_kind)k))
            mmb_json_string(&j, mmb_alloc_preload((mmb_alloc_kind)k));
        else
            mmb_json_null(&j);
        json_options(&j, mmb_alloc_options((mmb_alloc_kind)k));
        mmb_json_end_object(&j);
    }
    mmb_json_end_array(&j);
    mmb_json_key(&j, "common");
    mmb_json_begin_object(&j);
    json_options(&j, mmb_common_opts);
    mmb_json_end_object(&j);
    mmb_json_end_object(&j);
    putchar('\n');
}

int mmb_cli_list(int argc, char **argv)
{
    const char *fmt = "text";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc)
            fmt = argv[++i];
        else if (!strncmp(argv[i], "--format=", 9))
            fmt = argv[i] + 9;
        else
            return mmb_usage_error("list: unexpected argument '%s'", argv[i]);
    }
    if (!strcmp(fmt, "json"))
        list_json();
    else if (!strcmp(fmt, "text"))
        list_text();
    else
        return mmb_usage_error("list --format: '%s' is not one of text, json", fmt);
    return MMB_EXIT_OK;
}
