using System.Reflection;
using WasmDynamic.Marshalling;

namespace WasmDynamic.Emit;

/// <summary>Every member emitted IL refers to, resolved once with <c>nameof</c> so a rename fails at start-up.</summary>
[System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode(Trimming.Reflection)]
[System.Diagnostics.CodeAnalysis.RequiresDynamicCode(Trimming.Emit)]
internal static class Tokens
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    public static readonly ConstructorInfo WitNameCtor = typeof(WitNameAttribute).GetConstructor([typeof(string)])!;

    public static readonly MethodInfo GetFieldValues = typeof(ComponentRecord).GetMethod("GetFieldValues", All)!;

    public static readonly MethodInfo GetFieldNames = typeof(ComponentRecord).GetMethod("GetFieldNames", All)!;

    public static readonly MethodInfo VariantCaseGetter = typeof(ComponentVariant).GetProperty(nameof(ComponentVariant.Case))!.GetMethod!;

    public static readonly MethodInfo VariantPayloadGetter = typeof(ComponentVariant).GetProperty(nameof(ComponentVariant.Payload))!.GetMethod!;

    public static readonly MethodInfo VariantHasPayloadGetter = typeof(ComponentVariant).GetProperty("HasPayload", All)!.GetMethod!;

    public static readonly MethodInfo InvokerBegin = typeof(ExportCall).GetMethod(nameof(ExportCall.Begin), All)!;

    public static readonly MethodInfo InvokerCall = typeof(ExportCall).GetMethod(nameof(ExportCall.Call), All)!;

    public static readonly MethodInfo InvokerCallScalars = typeof(ExportCall).GetMethod(nameof(ExportCall.CallScalars), All)!;

    public static readonly MethodInfo InvokerEnd = typeof(ExportCall).GetMethod(nameof(ExportCall.End), All)!;

    public static readonly MethodInfo InvokerArgumentFailed = typeof(ExportCall).GetMethod(nameof(ExportCall.ArgumentFailed), All)!;

    public static readonly MethodInfo InvokerErrorReturned = typeof(ExportCall).GetMethod(nameof(ExportCall.ErrorReturned), All)!;

    public static readonly MethodInfo InvokerContext = typeof(ExportCall).GetProperty(nameof(ExportCall.Context), All)!.GetMethod!;

    public static readonly MethodInfo InvokerBeginAsync = typeof(ExportCall).GetMethod(nameof(ExportCall.BeginAsync), All)!;

    public static readonly MethodInfo FrameArgs = typeof(AsyncExportFrame).GetProperty(nameof(AsyncExportFrame.Args), All)!.GetMethod!;

    public static readonly MethodInfo FrameContext = typeof(AsyncExportFrame).GetProperty(nameof(AsyncExportFrame.Context), All)!.GetMethod!;

    public static readonly MethodInfo FrameAbandon = typeof(AsyncExportFrame).GetMethod(nameof(AsyncExportFrame.Abandon), All)!;

    public static readonly MethodInfo FrameRun = typeof(AsyncExportFrame).GetMethod(nameof(AsyncExportFrame.Run), 0, All, null, [typeof(CancellationToken)], null)!;

    public static readonly MethodInfo FrameRunTyped = typeof(AsyncExportFrame).GetMethods(All).Single(m => m.Name == nameof(AsyncExportFrame.Run) && m.IsGenericMethodDefinition);

    public static readonly MethodInfo FrameRunDiscarding = typeof(AsyncExportFrame).GetMethod(nameof(AsyncExportFrame.RunDiscarding), All)!;

    public static MethodInfo Lower(Type converterType) => converterType.GetMethod(nameof(ValueConverter<int>.Lower))!;

    public static MethodInfo Lift(Type converterType) => converterType.GetMethod(nameof(ValueConverter<int>.Lift))!;
}
