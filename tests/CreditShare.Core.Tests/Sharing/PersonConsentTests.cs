using CreditShare.Core.Sharing;

namespace CreditShare.Core.Tests.Sharing;

public class PersonConsentTests
{
    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, false, true)] // the person's own ID copy
    [InlineData(false, true, false, false)] // an authorisation without the agent's ID copy
    [InlineData(false, false, true, false)] // the agent's ID copy without an authorisation
    [InlineData(false, true, true, true)] // authorisation and agent's ID copy
    [InlineData(true, true, true, true)]
    [InlineData(true, true, false, true)]
    [InlineData(true, false, true, true)]
    public void Consent_is_the_persons_ID_copy_or_an_authorisation_with_the_agents_ID_copy(bool idCopy, bool authorisation, bool agentIdCopy, bool given)
    {
        Assert.Equal(given, PersonConsent.IsGiven(idCopy, authorisation, agentIdCopy));
        var error = PersonConsent.Check(involvesNaturalPerson: true, idCopy, authorisation, agentIdCopy);
        Assert.Equal(given, error is null);
        if (error is not null)
        {
            Assert.Equal(("attachments", "request.person_consent_required"), (error.Field, error.Code));
        }
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, true, true)]
    public void A_request_about_no_natural_person_needs_no_consent(bool idCopy, bool authorisation, bool agentIdCopy) =>
        Assert.Null(PersonConsent.Check(involvesNaturalPerson: false, idCopy, authorisation, agentIdCopy));
}
