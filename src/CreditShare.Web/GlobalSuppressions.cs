using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace", Target = "~N:CreditShare.Web.Features.Public",
    Justification = "The feature folder is named after the public site it serves; no Visual Basic caller exists.")]
