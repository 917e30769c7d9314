namespace CreditShare.Core.Sharing;

/// <summary>
/// A formal request about a natural person (art. 13, 附3) is approved only with the person's consent on file: a copy of
/// their ID card (they asked themselves), or their written authorisation together with the agent's ID copy.
/// </summary>
public static class PersonConsent
{
    /// <summary>Whether the documents attached amount to the person's consent.</summary>
    public static bool IsGiven(bool personIdCopy, bool authorisation, bool agentIdCopy) => personIdCopy || (authorisation && agentIdCopy);

    /// <summary>Why a request may not be approved for want of consent, or null; a request about no natural person needs none.</summary>
    public static FieldError? Check(bool involvesNaturalPerson, bool personIdCopy, bool authorisation, bool agentIdCopy) =>
        involvesNaturalPerson && !IsGiven(personIdCopy, authorisation, agentIdCopy)
            ? new FieldError("attachments", "request.person_consent_required", "查询自然人信息须附当事人身份证复印件，或当事人书面授权书及代理人身份证复印件")
            : null;
}
