namespace WasmDynamic.Bindgen;

/// <summary>Turns one world into C# files (see <see cref="Bindgen"/>): plans it, then runs one writer per kind.</summary>
internal static class Emitter
{
    public static SortedDictionary<string, string> Run(string ns, Wit.WitWorld world, BindgenOptions options)
    {
        var plan = new BindgenPlan(ns, world, options.Async);
        var types = new CSharpTypes(plan);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var records = new RecordWriter(plan, types, files);
        var variants = new VariantWriter(plan, types, files);
        var enums = new EnumWriter(plan, types, files);
        var resources = new ResourceWriter(plan, types, files);
        foreach (var t in plan.TypeOrder)
        {
            switch (t.Kind)
            {
                case TypeKind.Record:
                    records.Write(t, (Wit.WitRecord)t.Wit);
                    break;
                case TypeKind.Variant:
                    variants.Write(t, (Wit.WitVariant)t.Wit);
                    break;
                case TypeKind.Enum:
                    enums.Write(t, ((Wit.WitEnum)t.Wit).Cases, flags: false);
                    break;
                case TypeKind.Flags:
                    enums.Write(t, ((Wit.WitFlags)t.Wit).Flags, flags: true);
                    break;
                case TypeKind.GuestResource:
                    resources.WriteGuest(t, (Wit.WitResource)t.Wit);
                    break;
                case TypeKind.HostResource:
                    resources.WriteHost(t, (Wit.WitResource)t.Wit);
                    break;
            }
        }

        var interfaces = new InterfaceWriter(plan, types, files);
        foreach (var i in plan.Exports)
        {
            interfaces.WriteExport(i);
        }

        foreach (var i in plan.Imports)
        {
            interfaces.WriteImport(i);
        }

        new BindingsWriter(plan, types, files).Write();
        return files;
    }
}
